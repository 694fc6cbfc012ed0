package text

// Keys of hardening.txt.
const (
	PledgeFull         Key = "pledge_full"
	OldButton          Key = "old_button"
	NotYourButton      Key = "not_your_button"
	JoinCooldown       Key = "join_cooldown"
	JoinRevoked        Key = "join_revoked"
	JoinNotInGroup     Key = "join_not_in_group"
	LinkRevokeAsk      Key = "link_revoke_ask"
	LinkRevokeYes      Key = "link_revoke_yes"
	LinkRevokeNo       Key = "link_revoke_no"
	LinkRevoked        Key = "link_revoked"
	LinkKept           Key = "link_kept"
	InviteRenewed      Key = "invite_renewed"
	InviteRenewedTyped Key = "invite_renewed_typed"
	TooFast            Key = "too_fast"
	TooFastToast       Key = "too_fast_toast"
	JobDamaged         Key = "job_damaged"
	AsideSorry         Key = "aside_sorry"
	AsideNote          Key = "aside_note"
)

// hardeningKeys lists the keys of hardening.txt, for the completeness test.
var hardeningKeys = []Key{PledgeFull, OldButton, NotYourButton, JoinCooldown, JoinRevoked, JoinNotInGroup, LinkRevokeAsk, LinkRevokeYes,
	LinkRevokeNo, LinkRevoked, LinkKept, InviteRenewed, InviteRenewedTyped, TooFast, TooFastToast,
	JobDamaged, AsideSorry, AsideNote}
