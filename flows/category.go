package flows

import "lamtheo/flows/text"

// retiredCategories names the default categories of earlier versions that
// are no longer configured, so that an item saved under one still shows a
// name, not its key.
var retiredCategories = map[string]text.Key{
	"trach-nhiem": text.CategoryTrachNhiem, // the first version's; no standard of QĐ 144
}

// categoryName returns the name of the category key: the configured one,
// a retired default's, or the key itself.
func (e *Engine) categoryName(key string) string {
	for _, c := range e.Cfg.Categories {
		if c.Key == key {
			return c.Name
		}
	}
	if k, ok := retiredCategories[key]; ok {
		return e.t(k, nil)
	}
	return key
}
