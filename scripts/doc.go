// Package scripts holds the build scripts (build-windows.sh,
// package-linux.sh) and the tests that run them.
package scripts
