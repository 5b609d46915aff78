package graphfake

import (
	"net/http"
	"slices"
	"strings"
	"sync"
)

// seen holds every route answered by any fake in the process.
var seen sync.Map

// SeenRoutes returns every route any fake in this process has answered,
// sorted: "METHOD /version/path" with ids as {names}, but the method
// collection, the privileged-access collection and the policy named, as
// they decide the permission ("DELETE /v1.0/users/{user}/authentication/
// phoneMethods/{id}"). A test derives from it the Graph calls the code
// makes.
func SeenRoutes() []string {
	var out []string
	seen.Range(func(k, _ any) bool { out = append(out, k.(string)); return true })
	slices.Sort(out)
	return out
}

// route names the request's route from the pattern it matched.
func route(version string, r *http.Request) string {
	method, p, _ := strings.Cut(r.Pattern, " ")
	if c := r.PathValue("coll"); c != "" {
		p = strings.Replace(p, "{coll}", c, 1)
	}
	if strings.HasPrefix(p, "/policies/") {
		p = strings.Replace(p, "{id}", r.PathValue("id"), 1)
	}
	return method + " /" + version + p
}
