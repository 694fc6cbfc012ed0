//go:build race

package rosterfile_test

// raceDetector is true in a build with the race detector, which makes the
// tests of 50,000 rows take minutes.
const raceDetector = true
