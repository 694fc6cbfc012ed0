package text

// Keys of console.txt.
const (
	ConsoleAsMissing     Key = "console_as_missing"
	ConsoleNowYou        Key = "console_now_you"
	ConsoleGroupMissing  Key = "console_group_missing"
	ConsoleSpeaking      Key = "console_speaking"
	ConsoleWhereGroup    Key = "console_where_group"
	ConsoleWherePrivate  Key = "console_where_private"
	ConsoleModeTelegram  Key = "console_mode_telegram"
	ConsoleModeZalo      Key = "console_mode_zalo"
	ConsoleUnknown       Key = "console_unknown"
	ConsoleError         Key = "console_error"
	ConsoleHelp          Key = "console_help"
	ConsoleHeaderPrivate Key = "console_header_private"
	ConsoleHeaderGroup   Key = "console_header_group"
	ConsolePromptPrivate Key = "console_prompt_private"
	ConsolePromptGroup   Key = "console_prompt_group"
	ConsoleGroupTitle    Key = "console_group_title"
	ConsoleEdit          Key = "console_edit"
	ConsolePhoto         Key = "console_photo"
	ConsoleFile          Key = "console_file"
	ConsolePicture       Key = "console_picture"     // a photo the bot sent: what it shows and its size
	ConsoleSaveOn        Key = "console_save_on"     // :luu DIR; data: Name = the folder
	ConsoleSaveOff       Key = "console_save_off"    // :luu alone
	ConsoleSaved         Key = "console_saved"       // a file written by :luu; data: Name = its path
	ConsoleSaveFailed    Key = "console_save_failed" // data: Name = the error
	ConsoleZaloNoMention Key = "console_zalo_no_mention"
	ConsoleZaloTooLong   Key = "console_zalo_too_long"
	ConsoleNhapMissing   Key = "console_nhap_missing"   // :nhap without a file
	ConsoleZaloNoUpload  Key = "console_zalo_no_upload" // :nhap in Zalo mode; data: Name = the file
	ConsoleZaloNoFile    Key = "console_zalo_no_file"
)

// ConsoleKeys lists the keys of console.txt, for the completeness test and
// bot/console's test of its views.
var ConsoleKeys = []Key{ConsoleAsMissing, ConsoleNowYou, ConsoleGroupMissing, ConsoleSpeaking, ConsoleWhereGroup,
	ConsoleWherePrivate, ConsoleModeTelegram, ConsoleModeZalo, ConsoleUnknown, ConsoleError, ConsoleHelp,
	ConsoleHeaderPrivate, ConsoleHeaderGroup, ConsolePromptPrivate, ConsolePromptGroup, ConsoleGroupTitle, ConsoleEdit,
	ConsolePhoto, ConsoleFile, ConsolePicture, ConsoleSaveOn, ConsoleSaveOff, ConsoleSaved, ConsoleSaveFailed, ConsoleZaloNoMention, ConsoleZaloTooLong, ConsoleNhapMissing, ConsoleZaloNoUpload, ConsoleZaloNoFile}
