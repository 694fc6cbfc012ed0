package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Platform names a chat platform. It is part of every chat and user id, so
// the same number on two platforms never collides.
type Platform string

// The platforms lamtheo speaks.
const (
	Telegram Platform = "telegram"
	Zalo     Platform = "zalo"
	Console  Platform = "console"
)

// ChatID identifies a chat (private or group) on one platform. ID is the
// platform's own id as text: Telegram's int64 in decimal (negative for groups),
// Zalo's opaque string. ChatID is comparable and usable as a map key.
type ChatID struct {
	Platform Platform
	ID       string
}

// String returns "platform:id", for logs.
func (c ChatID) String() string { return string(c.Platform) + ":" + c.ID }

// IsZero reports whether c is the zero ChatID.
func (c ChatID) IsZero() bool { return c.ID == "" }

// UserID identifies a person on one platform.
type UserID struct {
	Platform Platform
	ID       string
}

// String returns "platform:id", for logs.
func (u UserID) String() string { return string(u.Platform) + ":" + u.ID }

// IsZero reports whether u is the zero UserID.
func (u UserID) IsZero() bool { return u.ID == "" }

// PrivateChat returns the private chat with u. On every platform lamtheo
// supports, a private chat has the id of the user.
func (u UserID) PrivateChat() ChatID { return ChatID{Platform: u.Platform, ID: u.ID} }

// Kind says what an incoming Message carries.
type Kind int

// The kinds of incoming message.
const (
	KindText     Kind = iota // Text holds what the person typed
	KindCallback             // Data holds the pressed choice's data
	KindPhoto                // PhotoID holds a platform file id, Text the caption
	KindOther                // a sticker, voice, document, location...: nothing lamtheo reads
	KindAdded                // the bot was added to the group Chat
	KindRemoved              // the bot was removed from the group Chat
	// KindCursor carries no update: Serve sends it after a whole batch was
	// handled, so the handler stores Cursor as the platform's confirmed
	// position. Only Chat.Platform and Cursor are set.
	KindCursor
	// KindDocument: Document holds a file the person sent (a spreadsheet),
	// Text its caption. Adapters deliver documents only from private
	// chats, fetched before the message is handled (Caps.ReceiveFiles).
	KindDocument
)

// Document is a file a person sent the bot (KindDocument). The adapter
// fetches it before handing the message on, so that the handler never
// waits on the network; a file larger than MaxDocument is not fetched.
type Document struct {
	ID   string // the platform's id of the file, for the adapter
	Name string // the file's name as the person's app sent it
	Size int64  // its size in bytes, as the platform said (0: unknown)
	Data []byte // its content; nil when TooBig or Failed
	// TooBig: the file is larger than MaxDocument and was not fetched.
	TooBig bool
	// Failed: the platform did not hand the file over.
	Failed bool
}

// MaxDocument is the largest document adapters fetch.
const MaxDocument = 5 << 20

// Message is one incoming update, already translated from the platform.
type Message struct {
	// Key is unique for this update on its platform; an update seen again
	// under the same key within 48 hours is skipped. (A platform may use a
	// key again later: Telegram numbers its updates afresh after a week
	// without any.)
	Key string
	// Cursor is the platform's position to confirm once this update is
	// committed (Telegram: update_id). Zero when the platform has none.
	Cursor int64

	Chat      ChatID
	Group     bool   // Chat is a group or supergroup
	ChatTitle string // group title, if any
	From      UserID
	FromName  string // display name from the person's profile
	// Anonymous: the message was posted on behalf of a chat, not by a
	// person the bot can tell (Telegram: an anonymous group administrator,
	// or a linked channel, posting as the chat; From is then a service
	// account such as GroupAnonymousBot). The bot cannot write to the
	// sender privately, nor know their role.
	Anonymous bool

	Kind    Kind
	Text    string // text or caption
	Data    string // KindCallback: the choice's data
	PhotoID string // KindPhoto: the platform's file id or URL
	// Document is the file of a KindDocument message.
	Document *Document

	// CallbackID is the platform's id of a button press, answered by Conn.Ack.
	CallbackID string
	// Toast is the short note Conn.Ack shows for a button press (Telegram's
	// callback answer), e.g. that the button is stale. The Handler sets it
	// with SetToast; Serve copies it here before calling Ack.
	Toast string
	// Ref is the platform id of the message the pressed button was on.
	Ref string
	// Time is when the platform received the message.
	Time time.Time
}

// Choice is one answer a flow offers. Telegram shows it as an inline button;
// platforms without buttons show a numbered list and accept the number.
type Choice struct {
	Label string
	Data  string // at most MaxChoiceData bytes
}

// MaxChoiceData is the most bytes a Choice's Data may hold (Telegram's
// callback_data limit).
const MaxChoiceData = 64

// Link is a button that opens a private chat with the bot carrying a start
// payload (Telegram deep link t.me/<bot>?start=<Payload>). Platforms without
// buttons show Alt instead, which tells the person what to type.
type Link struct {
	Label   string
	Payload string // at most 64 characters of A-Za-z0-9_-
	Alt     string
}

// File is a document, or with Photo a picture, to send with a Reply as
// bytes (Caps.Upload). In the outbox a File refers to a stored file by ID
// and carries no Data: the Sender loads the bytes (Sender.Files) just
// before it sends.
type File struct {
	Name string // an ASCII file name: "bang-xep-hang-11-2026.png"
	Data []byte
	// ID names a stored file whose bytes are loaded into Data when Data
	// is empty (see FileSource).
	ID string
	// Photo: Data is a PNG or JPEG picture to show in the chat (Telegram's
	// sendPhoto), not a document to download.
	Photo bool
	// Alt says in words what the picture shows ("bảng xếp hạng tháng
	// 11/2026"), where it cannot be shown (the terminal).
	Alt string
}

// Reply is one outgoing message. Text is plain text: adapters escape it for
// whatever markup their platform parses.
type Reply struct {
	Chat    ChatID
	Title   string     // optional heading, shown bold where the platform can
	Text    string     // body; long texts are split at line breaks by the sender
	Choices [][]Choice // rows of choices
	Hint    string     // shown under a numbered list where there are no buttons
	Link    *Link
	Photo   string // platform file id or URL of a photo to send with Text as caption
	File    *File
	// Edit, when set, replaces the text and choices of the bot's earlier
	// message with this platform id instead of sending a new one.
	Edit string
	// Strip, when set, removes the choices (buttons) of the bot's earlier
	// message with this platform id, leaving its text, so that an answered
	// question's buttons cannot be pressed again. A Reply with Strip has no
	// other content. Platforms without buttons do nothing.
	Strip string
	// Bulk marks the reply as part of a broadcast (reminders, leaderboards,
	// campaign invitations): the Sender sends it after the waiting replies
	// that are not bulk, so an answer to a person never queues behind a
	// wave. A bulk reply may be overtaken by a later non-bulk one to the
	// same chat; within each kind, a chat's replies keep their order.
	Bulk bool
}

// Flat returns the choices in display order, numbered from 1 by position.
func (r Reply) Flat() []Choice {
	var out []Choice
	for _, row := range r.Choices {
		out = append(out, row...)
	}
	return out
}

// Handler handles one incoming Message. Handle must make the message's whole
// effect durable (including its replies, queued in the outbox) before it
// returns nil; Serve confirms the message to the platform only then.
// Handle may be called concurrently for messages of different chats.
type Handler interface {
	Handle(ctx context.Context, m Message) error
}

// GroupHandler is implemented by a Handler that can make several messages
// of one chat durable at once (one commit). HandleGroup applies msgs, all of
// one chat, in order, each as Handle would, and returns the Toast of each
// (toasts[i] for msgs[i]). It is all or nothing: on an error none of msgs
// may have taken effect, and Serve handles them one by one with Handle.
type GroupHandler interface {
	Handler
	HandleGroup(ctx context.Context, msgs []Message) (toasts []string, err error)
}

// HandlerFunc adapts an ordinary function to a Handler.
type HandlerFunc func(ctx context.Context, m Message) error

// Handle calls f(ctx, m).
func (f HandlerFunc) Handle(ctx context.Context, m Message) error { return f(ctx, m) }

// Conn is what a chat platform adapter provides. Receive is called from one
// goroutine (Serve); Ack (for messages of different chats), Send and Caps
// may be called concurrently.
type Conn interface {
	// Receive blocks until one or more updates arrive, ctx is done (it then
	// returns ctx.Err()), or the source ends (io.EOF). Calling Receive again
	// confirms every message of the previous batch to the platform.
	Receive(ctx context.Context) ([]Message, error)
	// Ack tells the platform a message has been handled (Telegram answers
	// the button press so its spinner stops). It is called after the commit.
	Ack(ctx context.Context, m Message) error
	// Send delivers one message and returns the platform's id of it. Errors
	// are *SendError where the platform said why.
	Send(ctx context.Context, r Reply) (ref string, err error)
	// Caps describes the Conn: the id space it serves and what its platform
	// can do. It may change while the Conn runs (the terminal switches how
	// it renders), so callers ask again rather than keep it.
	Caps() Caps
}

// Caps is what one Conn declares about itself, so that nothing above the
// adapters tests a platform's name or the shape of its ids. Caps is
// comparable.
type Caps struct {
	// Platform is the id space of the Conn's chats and users and the name
	// of its outbox partition: "telegram", "zalo", or one bot of several
	// ("zalo.xa1"). Every Message the Conn receives carries it, and every
	// Reply to one of its chats is sent through it.
	Platform Platform
	// Service is the platform's name as people know it ("Telegram",
	// "Zalo"); empty for the terminal.
	Service string
	// Name is how people find and address the bot ("@lamtheo_bot",
	// "Bot Làm theo Bác xã Demo"); empty when there is none.
	Name string
	// Buttons: choices are shown as buttons. Without them the adapter shows
	// a numbered list and people answer with the number.
	Buttons bool
	// Edit: the adapter can change a message it sent (Reply.Edit).
	Edit bool
	// MaxText is the longest text of one message, as Measure counts it;
	// 0 means no limit. The Sender splits longer texts.
	MaxText int
	// Measure is how the platform counts the length of a text.
	Measure Measure
	// GroupPrefix starts the id of every group chat of the platform (and of
	// no private chat); empty when the platform has no groups. See IsGroup.
	GroupPrefix string
	// GroupMention: in a group the bot receives only messages that mention
	// it or reply to it, so group commands are typed "@Name /summary".
	GroupMention bool
	// Upload: photos and documents can be sent as bytes (Reply.File).
	Upload bool
	// MaxUpload and MaxPhotoUpload are the most bytes of one uploaded
	// document and of one uploaded photo (File.Photo); 0 means no limit.
	// A larger file cannot go as bytes: flows links it or says so, and
	// the adapter refuses it (SendError.Permanent) rather than trying.
	MaxUpload, MaxPhotoUpload int
	// PhotoURL: a photo can be sent by its public URL (Reply.Photo).
	PhotoURL bool
	// ReceivePhotos: people can send the bot photos (KindPhoto).
	ReceivePhotos bool
	// ReceiveFiles: people can send the bot documents (KindDocument).
	ReceiveFiles bool
	// Limits are the platform's sending limits.
	Limits Limits
}

// UploadFits reports whether a file of size bytes, a photo or not, can go
// to c's platform as bytes (Upload, within MaxUpload or MaxPhotoUpload).
func (c Caps) UploadFits(size int, photo bool) bool {
	limit := c.MaxUpload
	if photo {
		limit = c.MaxPhotoUpload
	}
	return c.Upload && (limit == 0 || size <= limit)
}

// IsGroup reports whether chat is a group chat of c's platform.
func (c Caps) IsGroup(chat ChatID) bool {
	return c.GroupPrefix != "" && chat.Platform == c.Platform && strings.HasPrefix(chat.ID, c.GroupPrefix)
}

// Limits describes a platform's sending limits. The zero value means none.
type Limits struct {
	PerSecond   float64       // across all chats
	PerChat     time.Duration // least gap between two messages to one chat
	PerGroup    int           // messages per GroupWindow to one group
	GroupWindow time.Duration //
	// MaxConcurrent bounds the sends in flight at once (0: no bound). The
	// Sender keeps as many in flight as PerSecond times the round trip
	// needs (a send's answer and its record), so the bound only matters
	// when it is below that: then it, not PerSecond, sets the rate.
	MaxConcurrent int
}

// DefaultMaxConcurrent is the shipped bound on sends in flight for a
// platform paced at about 30 messages a second: it covers round trips up
// to two seconds (30/s × 2 s = 60), so a VPS 300 ms from the platform
// still sends at the full rate, while a stalled network ties up at most
// this many chats.
const DefaultMaxConcurrent = 64

// SendError is a failed send, as the platform explained it.
type SendError struct {
	Code        int           // the platform's error code, if any
	RetryAfter  time.Duration // wait this long before sending again (429)
	Unreachable bool          // the person blocked the bot or the chat is gone: never retry
	Permanent   bool          // the request itself is wrong: retrying will not help
	Message     string        // the platform's description, free of secrets
}

func (e *SendError) Error() string {
	return fmt.Sprintf("send: %d %s", e.Code, e.Message)
}

// ErrStopped is returned by Serve when its Conn ended its input.
var ErrStopped = errors.New("bot: conn stopped")

// Command is a bot command as a platform's command menu shows it.
type Command struct {
	Name        string // lowercase a-z, 0-9 and _, without the slash
	Description string
}

// CommandSet is the command menu for each kind of chat.
type CommandSet struct {
	Private    []Command // private chats
	Group      []Command // group chats, for everyone
	GroupAdmin []Command // group chats, for the group's administrators
}

// CommandSetter is implemented by a Conn whose platform has a command menu.
type CommandSetter interface {
	SetCommands(ctx context.Context, cs CommandSet) error
}
