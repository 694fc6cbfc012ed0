package flows

// The items of a pledge, by their number (PledgeItem.No), which stays
// with an item when others are removed.

// findItem returns p's item number no.
func findItem(p Pledge, no int) (PledgeItem, bool) {
	if i := itemIndex(p, no); i >= 0 {
		return p.Items[i], true
	}
	return PledgeItem{}, false
}

// itemIndex returns the index in p.Items of item number no, or -1.
func itemIndex(p Pledge, no int) int {
	for i, it := range p.Items {
		if it.No == no {
			return i
		}
	}
	return -1
}

// removeItem returns items without item number no, in a new slice.
func removeItem(items []PledgeItem, no int) []PledgeItem {
	out := items[:0:0]
	for _, it := range items {
		if it.No != no {
			out = append(out, it)
		}
	}
	return out
}
