package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cognitokit/cognito/emulator/store"
)

// The format version of the records: the layout state.go defines (kinds,
// keys, indexes), checked and migrated when a Server opens a store.

// formatVersion is the version of the record layout of state.go. A store
// written by a newer version is refused rather than misread; an older one
// is migrated when the server opens it. Change the layout, bump it and add
// the migration here.
const formatVersion = 3

// ErrUnknownFormat is returned by Open for a store written in a format this
// version of the local Cognito does not know (by a newer version).
var ErrUnknownFormat = errors.New("emulator: the data was written by a newer version of the local Cognito")

// checkFormat brings the store to formatVersion: it records the version in
// a new store, migrates an older one, and refuses a newer one.
func checkFormat(ctx context.Context, st store.Store) error {
	return st.Update(ctx, func(tx store.Tx) error {
		s := &state{tx: tx, decoded: &decodedRecords{}}
		version := 0
		raw, err := tx.Get(kindMeta, "format")
		switch {
		case err == nil:
			if version, err = strconv.Atoi(string(raw)); err != nil {
				return fmt.Errorf("%w (format %q)", ErrUnknownFormat, truncate(string(raw), 16))
			}
		case isNotFound(err):
			empty := true
			if err := tx.Scan(kindPool, "", func(string, []byte) error { empty = false; return store.ErrStopScan }); err != nil {
				return err
			}
			if empty {
				version = formatVersion
			} else {
				version = 1 // written before the format was recorded
			}
		default:
			return err
		}
		if version > formatVersion {
			return fmt.Errorf("%w (format %d; this version reads up to %d)", ErrUnknownFormat, version, formatVersion)
		}
		if version < 1 {
			return fmt.Errorf("%w (format %d)", ErrUnknownFormat, version)
		}
		if version == 1 {
			if err := migrateFrom1(s); err != nil {
				return fmt.Errorf("emulator: migrating the data from format 1: %w", err)
			}
		}
		if version <= 2 {
			if err := migrateFrom2(s); err != nil {
				return fmt.Errorf("emulator: migrating the data from format 2: %w", err)
			}
		}
		return tx.Put(kindMeta, "format", []byte(strconv.Itoa(formatVersion)))
	})
}

// migrateFrom1 moves format-1 data to format 2: clients are keyed under
// their pool (with an index by client ID), refresh-token entries under
// their pool, and users gain the index by sub.
func migrateFrom1(st *state) error {
	type move struct{ kind, from, to string }
	var moves []move
	var clients []*appClient
	err := scan(st, kindClient, "", func(key string, cl *appClient) error {
		if !strings.Contains(key, "/") {
			clients = append(clients, cl)
			moves = append(moves, move{kindClient, key, clientKey(cl.PoolID, cl.ID)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = st.tx.Scan(kindRefresh, "", func(key string, raw []byte) error {
		if poolID, _, ok := strings.Cut(string(raw), "/"); ok && !strings.Contains(key, "/") {
			moves = append(moves, move{kindRefresh, key, refreshKey(poolID, key)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moves {
		raw, err := st.tx.Get(m.kind, m.from)
		if err != nil {
			return err
		}
		if err := st.tx.Delete(m.kind, m.from); err != nil {
			return err
		}
		if err := st.tx.Put(m.kind, m.to, raw); err != nil {
			return err
		}
	}
	for _, cl := range clients {
		if err := st.tx.Put(kindClientPool, cl.ID, []byte(cl.PoolID)); err != nil {
			return err
		}
	}
	return st.tx.Scan(kindUser, "", func(key string, raw []byte) error {
		var u user
		if err := json.Unmarshal(raw, &u); err != nil {
			return fmt.Errorf("decoding user record: %w", err)
		}
		p, err := st.pool(u.PoolID)
		if err != nil {
			return err
		}
		return st.tx.Put(kindSub, p.ID+"/"+u.Attributes["sub"], []byte(p.usernameKey(u.Username)))
	})
}

// migrateFrom2 moves format-2 data to format 3: ListUsers' search index
// (kindSearch) is built for every user.
func migrateFrom2(st *state) error {
	type entry struct {
		p     *pool
		owner string
		u     *user
	}
	var users []entry
	err := st.tx.Scan(kindUser, "", func(_ string, raw []byte) error {
		u := new(user)
		if err := json.Unmarshal(raw, u); err != nil {
			return fmt.Errorf("decoding user record: %w", err)
		}
		p, err := st.pool(u.PoolID)
		if err != nil {
			return err
		}
		users = append(users, entry{p, p.usernameKey(u.Username), u})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range users {
		if err := st.indexSearch(e.p, e.owner, e.u); err != nil {
			return err
		}
	}
	return nil
}
