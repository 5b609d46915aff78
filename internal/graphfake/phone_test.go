package graphfake

import (
	"net/http"
	"strings"
	"testing"
)

// Graph answers every response, successful or not, with a request-id
// header and echoes client-request-id; an error body carries the same id.
func TestEveryResponseCarriesARequestID(t *testing.T) {
	s := newDemo(t, Options{})
	for _, c := range []struct{ method, path string }{
		{"GET", "/v1.0/users/bob@contoso.com"},
		{"GET", "/v1.0/users/nobody@contoso.com"},
		{"DELETE", "/v1.0/users/" + DemoAliceID + "/authentication/phoneMethods/" + OfficePhoneID},
	} {
		req, _ := http.NewRequest(c.method, s.URL()+c.path, nil)
		req.Header.Set("client-request-id", "6f1e2d3c-0000-4000-8000-000000000001")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("request-id") == "" || resp.Header.Get("client-request-id") != "6f1e2d3c-0000-4000-8000-000000000001" {
			t.Errorf("%s %s (%d): request-id %q, client-request-id %q", c.method, c.path, resp.StatusCode, resp.Header.Get("request-id"), resp.Header.Get("client-request-id"))
		}
	}
	_, h, m := call(t, s, "GET", "/v1.0/users/nobody@contoso.com", "", false)
	inner, _ := m["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["request-id"] != h.Get("request-id") {
		t.Fatalf("body request-id %v, header %q", inner["request-id"], h.Get("request-id"))
	}
}

func TestCreatePhoneAsGraphDocumentsIt(t *testing.T) {
	s := newDemo(t, Options{})
	nora := "/v1.0/users/" + DemoNoMethodsID + "/authentication/phoneMethods"
	for _, c := range []struct {
		body string
		want int
		msg  string
	}{
		{`{"phoneNumber":"2065550100","phoneType":"mobile"}`, 400, "format"},
		{`{"phoneNumber":"+1 2065550100"}`, 400, "required"},
		{`{"phoneNumber":"+1 2065550100","phoneType":"mobile","smsSignInState":"ready"}`, 400, "read-only"},
		{`{"phoneNumber":"+1 2065550100","phoneType":"pager"}`, 400, "phoneType"},
		{`{"phoneNumber":"+1 2065550101","phoneType":"alternateMobile"}`, 400, "mobile phone before"},
		{`{"phoneNumber":"+1 2065550100","phoneType":"mobile"}`, 201, ""},
		{`{"phoneNumber":"+1 2065550102","phoneType":"mobile"}`, 400, "already has a phone method of type mobile"},
		{`{"phoneNumber":"+1 2065550101x12","phoneType":"alternateMobile"}`, 201, ""},
	} {
		status, h, m := call(t, s, "POST", nora, c.body, false)
		if status != c.want || c.msg != "" && !strings.Contains(errMessage(m), c.msg) {
			t.Errorf("%s: %d %v, want %d %q", c.body, status, m, c.want, c.msg)
		}
		if status == 201 && (m["id"] == "" || m["phoneNumber"] == nil || h.Get("Location") == "") {
			t.Errorf("%s: created %v", c.body, m)
		}
	}
	if status, _, m := call(t, s, "GET", nora, "", false); status != 200 || len(m["value"].([]any)) != 2 {
		t.Fatalf("listed: %d %v", status, m)
	}
}
