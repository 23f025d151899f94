package guide

import (
	"fmt"
	"io"
)

// WriteText writes g as plain text for a terminal.
func WriteText(w io.Writer, g *Guide) error {
	if _, err := fmt.Fprintf(w, "%s\n\n%s\n", g.Title, g.Summary); err != nil {
		return err
	}
	for i, s := range g.Steps {
		if _, err := fmt.Fprintf(w, "\n%d. %s\n   %s\n", i+1, s.Title, s.Text); err != nil {
			return err
		}
	}
	return nil
}
