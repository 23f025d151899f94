// Command mailsetup sets up a mail account. With a command it is a
// command-line tool (mailsetup detect|verify|export|…); without one it opens
// the window.
package main

import (
	"context"
	"os"
	"os/signal"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"mailsetup/assets"
	"mailsetup/ui"
	"mailsetup/ui/cli"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && cli.IsCommand(args[0]) {
		attachConsole()
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		code := cli.Main(&cli.Env{Ctx: ctx, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, args)
		stop()
		os.Exit(code)
	}
	opts, err := ui.ParseWindowArgs(args, os.Getenv)
	if err == nil {
		err = ui.LoadPreset(&opts, os.Getenv) // an invalid preset stops the program
	}
	if err != nil {
		// An invalid preset or flag stops the program, visibly: the person
		// who double-clicked has no terminal to read standard error in.
		attachConsole()
		reportStartupError(args, err)
		os.Exit(cli.ExitUsage)
	}
	a := app.NewWithID(ui.AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	ui.Run(a, opts)
}
