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

// TestConfigFieldsDecodable: every field of Config, down to the last
// table, has a `toml` key and a type the decoder reads, and every array a
// `want` saying what its elements must be, so a table added to Config is
// read from the file without more code.
func TestConfigFieldsDecodable(t *testing.T) {
	tableType := reflect.TypeFor[tomlTable]()
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			key := f.Tag.Get("toml")
			if key == "" {
				t.Errorf("%s%s: no toml tag", path, f.Name)
				continue
			}
			ft := f.Type
			switch {
			case reflect.PointerTo(ft).Implements(tableType), ft == durationType:
			case ft.Kind() == reflect.Struct:
				walk(path+key+".", ft)
			case ft.Kind() == reflect.Slice:
				if f.Tag.Get("want") == "" {
					t.Errorf("%s%s: an array without a want tag", path, key)
				}
				switch e := ft.Elem(); e.Kind() {
				case reflect.Struct:
					walk(path+key+"[].", e)
				case reflect.String, reflect.Int64:
				default:
					t.Errorf("%s%s: arrays of %s are not decoded", path, key, e)
				}
			case ft.Kind() == reflect.String, ft.Kind() == reflect.Int, ft.Kind() == reflect.Float64, ft.Kind() == reflect.Bool:
			default:
				t.Errorf("%s%s: %s is not decoded", path, key, ft)
			}
		}
	}
	walk("", reflect.TypeFor[Config]())
}
