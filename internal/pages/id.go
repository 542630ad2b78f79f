package pages

import (
	"net/http"

	"github.com/policykb/policykb/internal/policy"
)

// id redirects a canonical ID to its page.
func (h *Handler) id(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	notFound := userError(policy.ENOTFOUND, "ID「"+clip(id)+"」のものはありません。", "no object with the ID %q", clip(id))
	req, ok := h.open(w, r, notFound, []string{id})
	if !ok {
		return
	}
	f := req.f
	var d struct {
		Node *struct {
			Typename string `json:"__typename"`
			ID       string `json:"id"`
			Source   *struct {
				ID string `json:"id"`
			} `json:"source"`
		} `json:"node"`
	}
	if _, err := h.query(r.Context(), nodeQuery, map[string]any{"id": id}, &d); err != nil {
		h.fail(w, r, f, inJapanese(err, policy.ENOTFOUND, "ID「%s」のものはありません。", clip(id)))
		return
	}
	if d.Node == nil {
		h.fail(w, r, f, notFound)
		return
	}
	var to string
	switch d.Node.Typename {
	case "Document":
		to = docPath(d.Node.ID)
	case "Provision":
		to = provisionPath(d.Node.ID)
	case "Reference":
		to = referencePath(d.Node.ID)
	case "Citation":
		to = citationPath(d.Node.ID)
	case "Series":
		to = seriesPath(d.Node.ID)
	default:
		h.fail(w, r, f, userError(policy.ENOTFOUND, "ID「"+clip(id)+"」のページはありません。", "no page for the ID %q", clip(id)))
		return
	}
	redirect(w, r, to, http.StatusSeeOther)
}
