// Command tandem runs Tandem, the control center for outsourced teams: the
// web server and the operator's commands. Run "tandem -h" for the list.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/tandemhq/tandem/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
