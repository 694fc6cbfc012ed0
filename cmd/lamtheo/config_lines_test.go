package main

import (
	"reflect"
	"testing"
)

func TestKeyLines(t *testing.T) {
	doc := `a = 1
[t]
b.c = 2
[[arr]]
x = 1
[arr.sub]
y = 2
[[arr]]
x = [
  1,
  {k = 3},
]
`
	got := keyLines([]byte(doc))
	want := map[string]int{
		"a": 1, "t": 2, "t.b": 3, "t.b.c": 3,
		"arr": 4, "arr[0]": 4, "arr[0].x": 5, "arr[0].sub": 6, "arr[0].sub.y": 7,
		"arr[1]": 8, "arr[1].x": 9, "arr[1].x[0]": 10, "arr[1].x[1]": 11, "arr[1].x[1].k": 11,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keyLines =\n%v\nwant\n%v", got, want)
	}
}
