//go:build !race

package rosterfile_test

// raceDetector is true in a build with the race detector.
const raceDetector = false
