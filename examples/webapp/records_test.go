package main

import (
	"errors"
	"testing"
	"time"

	"github.com/cognitokit/cognito/cognitotest"
)

// Records live until they expire; take uses one once; a full store makes
// room from the expired ones only.
func TestRecords(t *testing.T) {
	clock := cognitotest.NewClock(time.Unix(1_700_000_000, 0))
	r := newRecords[string](2, clock.Now)
	a, err := r.put("a", clock.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.put("b", clock.Now().Add(time.Hour))
	if a == b || len(a) < 20 {
		t.Errorf("IDs %q and %q", a, b)
	}
	if v, ok := r.get(a); !ok || v != "a" {
		t.Errorf("get = %q, %t", v, ok)
	}
	if _, err := r.put("c", clock.Now().Add(time.Hour)); !errors.Is(err, errFull) {
		t.Errorf("a third record in a store of two: %v", err)
	}
	clock.Advance(time.Minute)
	c, err := r.put("c", clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatalf("a store full of a live and an expired record: %v", err)
	}
	if _, ok := r.get(a); ok {
		t.Error("an expired record was found")
	}
	if v, ok := r.take(c); !ok || v != "c" {
		t.Errorf("take = %q, %t", v, ok)
	}
	if _, ok := r.take(c); ok {
		t.Error("a record was taken twice")
	}
	r.remove(b)
	if _, ok := r.get(b); ok {
		t.Error("a removed record was found")
	}
	if _, ok := r.get("unknown"); ok {
		t.Error("an unknown ID was found")
	}
}
