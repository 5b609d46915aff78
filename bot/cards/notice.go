package cards

import "strings"

// Notice is a plain message as a card: a title and paragraphs, one text
// block per line so line breaks survive every Teams client.
func Notice(title, body string) Card {
	out := []element{text(title, heading)}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		out = append(out, text(strings.TrimSpace(line), spacing("Small")))
	}
	return newCard(out, nil)
}
