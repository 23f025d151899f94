//go:build windows

package main

/*
#include <windows.h>

// attach_parent_console attaches to the console of the process that started
// this one (cmd.exe, PowerShell), if it has one. It is written in C so that
// AttachConsole is a real import of the executable (a test reads the PE
// import table), not a name looked up at run time.
static int attach_parent_console(void) {
	return AttachConsole(ATTACH_PARENT_PROCESS) ? 1 : 0;
}

// user_locale writes the user's locale name ("ru-RU") into buf.
static int user_locale(wchar_t *buf, int n) {
	return GetUserDefaultLocaleName(buf, n);
}

static void show_error(const wchar_t *title, const wchar_t *text) {
	MessageBoxW(NULL, text, title, MB_OK | MB_ICONERROR | MB_SETFOREGROUND | MB_TOPMOST);
}
*/
import "C"

import (
	"os"
	"syscall"
	"unsafe"
)

// attachConsole gives a GUI-subsystem executable the console of the
// program that started it, so `mailsetup.exe detect …` typed in cmd.exe or
// PowerShell prints its output there. Standard streams that are already
// valid (redirected to a file or a pipe: `> out.json`, `| more`) are kept as
// they are; only the missing ones are connected to the console. Started
// from Explorer there is no parent console and nothing changes.
func attachConsole() {
	valid := func(h int) bool {
		fd, err := syscall.GetStdHandle(h)
		if err != nil || fd == 0 || fd == syscall.InvalidHandle {
			return false
		}
		t, err := syscall.GetFileType(fd)
		return err == nil && t != syscall.FILE_TYPE_UNKNOWN
	}
	inOK := valid(syscall.STD_INPUT_HANDLE)
	outOK := valid(syscall.STD_OUTPUT_HANDLE)
	errOK := valid(syscall.STD_ERROR_HANDLE)
	if inOK && outOK && errOK {
		return
	}
	if C.attach_parent_console() == 0 {
		return
	}
	if !outOK {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stdout = f
		}
	}
	if !errOK {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stderr = f
		}
	}
	if !inOK {
		if f, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
			os.Stdin = f
		}
	}
}

// systemLocale is the user's Windows locale ("ru-RU"), which Windows keeps
// out of the environment.
func systemLocale() string {
	var buf [85]C.wchar_t // LOCALE_NAME_MAX_LENGTH
	n := C.user_locale(&buf[0], C.int(len(buf)))
	if n <= 1 {
		return ""
	}
	u := make([]uint16, n-1)
	for i := range u {
		u[i] = uint16(buf[i])
	}
	return syscall.UTF16ToString(u)
}

// showStartupError shows a native message box: it appears even when the
// graphics stack cannot start, and before any window of ours exists.
func showStartupError(_, title, text, _ string) {
	t, err1 := syscall.UTF16FromString(title)
	m, err2 := syscall.UTF16FromString(text)
	if err1 != nil || err2 != nil {
		return
	}
	C.show_error((*C.wchar_t)(unsafe.Pointer(&t[0])), (*C.wchar_t)(unsafe.Pointer(&m[0])))
}
