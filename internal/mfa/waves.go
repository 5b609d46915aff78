package mfa

import "sync"

// removeInWaves deletes todo in the order Graph allows, with deleteAll
// deleting a wave concurrently and returning the methods Graph refused as
// the user's default method (kept while other methods remain):
//
//  1. every method, except mobile when an alternateMobile is deleted too
//     (Graph refuses mobile while alternateMobile exists);
//  2. the held mobile phone, then the default method(s) refused in 1 —
//     with beside (revoking sessions) running alongside.
//
// It returns the methods still refused after the last wave; the caller
// records them as failures with Graph's reason. beside has returned when
// removeInWaves does.
func removeInWaves(todo []Method, deleteAll func([]Method) []Method, beside func()) []Method {
	var first, held []Method
	hasAlt := false
	for _, m := range todo {
		if m.Kind == KindPhone && m.PhoneType == PhoneAlternateMobile {
			hasAlt = true
		}
	}
	for _, m := range todo {
		if hasAlt && m.Kind == KindPhone && m.PhoneType == PhoneMobile {
			held = append(held, m)
			continue
		}
		first = append(first, m)
	}
	refused := deleteAll(first)
	var wg sync.WaitGroup
	wg.Go(beside)
	defer wg.Wait()
	second := append(held, refused...)
	if len(held) > 0 && len(refused) > 0 {
		// Both kinds of wait: mobile first, then the default.
		if again := deleteAll(held); len(again) > 0 {
			refused = append(again, refused...)
		}
		second = refused
	}
	return deleteAll(second)
}
