package app

import (
	"context"
	"errors"
	"io"
)

// startPlaygrounds starts the two Agents Playground instances of the demo.
func startPlaygrounds(ctx context.Context, endpoint string, o demoOptions, stdout, stderr io.Writer) (func(), error) {
	return nil, errors.New("not wired yet")
}
