package botframework

import (
	"bytes"
	"testing"
)

// helpActivity is a `help` message as Teams sends it (bench/load's shape).
const helpActivity = `{"channelData":{"tenant":{"id":"11111111-2222-4333-8444-555555555555"}},"channelId":"msteams",` +
	`"conversation":{"conversationType":"personal","id":"a:bench-personal-17","tenantId":"11111111-2222-4333-8444-555555555555"},` +
	`"entities":[{"country":"US","locale":"en-US","platform":"Web","type":"clientInfo"}],` +
	`"from":{"aadObjectId":"00000000-0000-4000-8000-000000000017","id":"29:bench-user-17","name":"Bench User 17"},` +
	`"id":"1733360000000","locale":"en-US","recipient":{"id":"28:00000000-0000-4000-8000-00000000abcd","name":"mfabot"},` +
	`"serviceUrl":"https://smba.trafficmanager.net/emea/","text":"help","textFormat":"plain",` +
	`"timestamp":"2026-12-05T01:30:00.123456789Z","type":"message"}`

func BenchmarkDecodeHelp(b *testing.B) {
	body := []byte(helpActivity)
	r := bytes.NewReader(body)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(body)
		if _, err := Decode(r, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeHelpReflect is the same activity decoded by encoding/json
// alone (refDecode, what Decode did before the reflection-free decoder).
func BenchmarkDecodeHelpReflect(b *testing.B) {
	body := []byte(helpActivity)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := refDecode(body); err != nil {
			b.Fatal(err)
		}
	}
}
