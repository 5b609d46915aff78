package mfa

import "sync"

// removeInWaves deletes todo in the order Graph allows, with deleteAll
// deleting a wave concurrently and returning the methods Graph refused as
// the user's default method (kept while other methods remain):
//
//  1. every method, except mobile when an alternateMobile is deleted too
//     (Graph refuses mobile while alternateMobile exists) and those hold
//     picks (a batch's likely default method; nil holds nothing);
//  2. what was held back or refused, with beside (revoking sessions)
//     running alongside; then again what this wave had refused, for as
//     long as each wave deletes something.
//
// It returns the methods still refused when a wave deleted nothing; the
// caller records them as failures with Graph's reason. beside has
// returned when removeInWaves does.
func removeInWaves(todo []Method, hold func(Method) bool, deleteAll func([]Method) []Method, beside func()) []Method {
	var first, held []Method
	hasAlt := false
	for _, m := range todo {
		if m.Kind == KindPhone && m.PhoneType == PhoneAlternateMobile {
			hasAlt = true
		}
	}
	for _, m := range todo {
		if hasAlt && m.Kind == KindPhone && m.PhoneType == PhoneMobile || hold != nil && hold(m) && len(todo) > 1 {
			held = append(held, m)
			continue
		}
		first = append(first, m)
	}
	pending := append(held, deleteAll(first)...)
	var wg sync.WaitGroup
	wg.Go(beside)
	defer wg.Wait()
	for len(pending) > 0 {
		again := deleteAll(pending)
		if len(again) == len(pending) {
			return again // nothing went: Graph keeps these
		}
		pending = again
	}
	return nil
}
