package graphfake

import (
	"net/http"
)

// sendMail records a message and answers 202, as Graph does.
func (s *Server) sendMail(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	type address struct {
		EmailAddress struct {
			Address string `json:"address"`
		} `json:"emailAddress"`
	}
	var body struct {
		Message *struct {
			Subject string `json:"subject"`
			Body    struct {
				ContentType string `json:"contentType"`
				Content     string `json:"content"`
			} `json:"body"`
			ToRecipients []address `json:"toRecipients"`
		} `json:"message"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.Message == nil {
		writeError(w, r, http.StatusBadRequest, "ErrorInvalidParameter", "Message is required.")
		return
	}
	var to []string
	for _, a := range body.Message.ToRecipients {
		if a.EmailAddress.Address != "" {
			to = append(to, a.EmailAddress.Address)
		}
	}
	if len(to) == 0 {
		writeError(w, r, http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient isn't valid., A message can't be sent because it contains no recipients.")
		return
	}
	s.mu.Lock()
	u := s.user(key)
	if u != nil {
		s.mails = append(s.mails, Mail{From: u.UPN, To: to, Subject: body.Message.Subject,
			ContentType: body.Message.Body.ContentType, Body: body.Message.Body.Content, At: s.opts.Now()})
	}
	s.mu.Unlock()
	if u == nil {
		writeError(w, r, http.StatusNotFound, "ErrorInvalidUser", "The requested user '"+key+"' is invalid.")
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
