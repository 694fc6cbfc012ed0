package flows

import "lamtheo/flows/text"

// Placeholders: the helper writing the secretary tools replaces this file.

func (r *req) cmdMe(string) error      { return refuse(text.NotUnderstood, nil) }
func (r *req) cmdSummary(string) error { return refuse(text.NotUnderstood, nil) }
func (r *req) cmdClose(string) error   { return refuse(text.NotUnderstood, nil) }
func (r *req) cmdExempt(string) error  { return refuse(text.NotUnderstood, nil) }
func (r *req) cmdNudge(string) error   { return refuse(text.NotUnderstood, nil) }
func (r *req) cmdFeature(string) error { return refuse(text.NotUnderstood, nil) }
