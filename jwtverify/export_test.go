package jwtverify

// CacheLen returns how many tokens v's cache holds.
func CacheLen(v *Verifier) int {
	if v.cache == nil {
		return 0
	}
	v.cache.mu.RLock()
	defer v.cache.mu.RUnlock()
	return len(v.cache.entries)
}
