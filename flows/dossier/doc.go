// Package dossier writes the year-end dossier of /hoso: a flows.Dossier as
// an A4 PDF in Vietnamese (Liberation Serif, embedded as a UTF-8 font:
// fpdf shapes nothing, so every string is NFC-normalised first), laid out
// to feed section A.I.3 of the member's year-end self-review: the pledge,
// what was done item by item across the months, the months, the praised
// deeds, pauses and exemption, and a closing line that it is a summary of
// what the member reported, never a grade. Write is a pure function of the
// dossier and the catalogue (the creation date is the dossier's, so equal
// dossiers give equal bytes). It knows no store and no platform: flows
// gathers the data, cmd/lamtheo hands Write to the engine
// (Engine.DossierPDF).
package dossier
