package graphfake

import "testing"

// TestV1ListingHasV1TypesOnly: v1.0 lists "only the methods supported on
// this API version"; hardware OATH tokens are listed by the beta
// hardwareOathMethods collection, in its documented shape.
func TestV1ListingHasV1TypesOnly(t *testing.T) {
	s := New(Options{Tenant: DemoTenant()})
	defer s.Close()
	for _, v := range []string{"v1.0", "beta"} {
		_, _, m := call(t, s, "GET", "/"+v+"/users/"+DemoCarolID+"/authentication/methods", "", false)
		found := false
		for _, it := range m["value"].([]any) {
			found = found || it.(map[string]any)["@odata.type"] == "#microsoft.graph.hardwareOathAuthenticationMethod"
		}
		if found != (v == "beta") {
			t.Errorf("%s listing has hardware OATH: %v", v, found)
		}
	}
	st, _, m := call(t, s, "GET", "/beta/users/"+DemoCarolID+"/authentication/hardwareOathMethods", "", false)
	items, _ := m["value"].([]any)
	if st != 200 || len(items) != 1 {
		t.Fatalf("beta hardwareOathMethods: %d %v", st, m)
	}
	dev, _ := items[0].(map[string]any)["device"].(map[string]any)
	if dev["displayName"] != "Token 1234" || dev["status"] != "activated" || dev["serialNumber"] == nil {
		t.Fatalf("device %v", dev)
	}
	if st, _, _ := call(t, s, "GET", "/v1.0/users/"+DemoCarolID+"/authentication/hardwareOathMethods", "", false); st != 400 {
		t.Fatalf("v1.0 hardwareOathMethods: %d", st)
	}
}
