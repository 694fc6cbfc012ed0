// Package filelink serves lamtheo's generated files (workbooks, pictures,
// documents) over HTTP under expiring, unguessable links, for the chat
// platforms that cannot upload a file and fetch it by URL instead (Zalo).
// It knows a link only by its token, asks a Source for the file, and says
// nothing else: no listing, no path but the token, no store, no flows.
package filelink
