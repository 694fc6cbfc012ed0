// Package text is lamtheo's Vietnamese catalogue: every text a chat user
// reads, under a typed Key, kept in embedded *.txt files so wording can change
// without touching logic. Package text knows nothing of flows or platforms.
package text
