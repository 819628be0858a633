package mcafee

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Anti-virus content dates as the products write them in the registry: Endpoint
// Security HKLM\SOFTWARE\McAfee\AVSolution\DS\DS szContentCreationDate (yyyy-mm-dd) and
// VirusScan Enterprise 8.8 HKLM\SOFTWARE\(Wow6432Node\)McAfee\AVEngine AVDatDate
// (yyyy/mm/dd), as read by Checkmk's mcafee_av_client plugin.
var contentDateLayouts = []string{"2006-01-02", "2006/01/02"}

// ErrBadContentDate is wrapped by ParseContentDate for an empty, zero, unreadable or
// future date: the caller counts a failed source and invents no timestamp.
var ErrBadContentDate = errors.New("unusable anti-virus content date")

// ParseContentDate reads a content date at midnight in loc. now bounds it: a date after
// the day of now is refused.
func ParseContentDate(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	v := strings.TrimSpace(s)
	if v == "" || v == "0" {
		return time.Time{}, fmt.Errorf("%w: %q", ErrBadContentDate, truncateForError(s))
	}
	for _, layout := range contentDateLayouts {
		t, err := time.ParseInLocation(layout, v, loc)
		if err != nil {
			continue
		}
		if t.Year() < 1990 || t.After(now.Add(24*time.Hour)) {
			return time.Time{}, fmt.Errorf("%w: %q out of range", ErrBadContentDate, v)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: %q", ErrBadContentDate, truncateForError(s))
}
