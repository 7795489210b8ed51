package schemafast

import (
	"runtime"
	"sync"

	jsv6 "github.com/santhosh-tekuri/jsonschema/v6"

	"goaccel/python"
)

// remember finds key (text b) in n.keyList and, on a match, keeps key as
// the entry's seen object so the next occurrence matches by address.
// Called by the is_valid walk with the GIL held.
func (n *node) remember(key python.Object, b []byte) (keyInfo, bool) {
	for i := range n.keyList {
		k := &n.keyList[i]
		if len(k.name) == len(b) && k.name == string(b) {
			if key.Type() == python.StrType { // exact str: immutable, safe to compare by address
				old := python.Ref{Object: k.seen}
				k.seen = python.NewRef(key).Object
				old.Release()
			}
			return k.info, true
		}
	}
	return keyInfo{}, false
}

// The seen key objects of a collected Validator are released at the next
// compile (finalizers run without the GIL).
var (
	staleMu   sync.Mutex
	staleKeys []python.Object
)

func (v *Validator) trackKeyRefs(built map[*jsv6.Schema]*node) {
	v.nodes = v.nodes[:0]
	for _, n := range built {
		if n.keyList != nil {
			v.nodes = append(v.nodes, n)
		}
	}
	runtime.SetFinalizer(v, func(v *Validator) {
		staleMu.Lock()
		for _, n := range v.nodes {
			for i := range n.keyList {
				if k := n.keyList[i].seen; !k.IsNil() {
					staleKeys = append(staleKeys, k)
				}
			}
		}
		staleMu.Unlock()
	})
}

// releaseStaleKeys drops the references queued by finalizers (GIL held).
func releaseStaleKeys() {
	staleMu.Lock()
	stale := staleKeys
	staleKeys = nil
	staleMu.Unlock()
	for _, k := range stale {
		r := python.Ref{Object: k}
		r.Release()
	}
}
