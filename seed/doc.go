// Package seed fills a lamtheo data file with a made-up organisation of any
// size, through the store's public API, and writes the configuration that
// matches it: the scale figures of the README (start-up, memory, disk per
// member) are measured on its files, which anyone can regenerate with
// cmd/lamtheo-seed. It knows nothing of chat platforms beyond the ids it
// invents, and nothing of bbolt.
package seed
