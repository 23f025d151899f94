// Mozilla User Preferences
// Thunderbird account ivan@example.org (POP3 + SMTP), made by mailsetup.
// Save this file as prefs.js in a NEW, EMPTY profile folder while Thunderbird is closed
// (thunderbird -ProfileManager makes one). Thunderbird reads it once and keeps it up to date itself.
// Never save it as user.js: user.js is applied again at every start and would hide Local Folders
// and accounts you add later. For a profile that already has accounts, use the thunderbird-zip
// export (Tools > Import) or "mailsetup thunderbird-install".

user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.hostname", "mail.example.org");
user_pref("mail.server.server1.port", 110);
user_pref("mail.server.server1.socketType", 2);
user_pref("mail.server.server1.authMethod", 3);
user_pref("mail.server.server1.userName", "ivan");
user_pref("mail.server.server1.name", "ivan@example.org");
user_pref("mail.server.server1.login_at_startup", true);
user_pref("mail.server.server1.leave_on_server", true);
user_pref("mail.server.server1.download_on_biff", true);
user_pref("mail.identity.id1.fullName", "İsmail Işık 🙂");
user_pref("mail.identity.id1.useremail", "ivan@example.org");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.valid", true);
user_pref("mail.smtpserver.smtp1.type", "smtp");
user_pref("mail.smtpserver.smtp1.hostname", "mail.example.org");
user_pref("mail.smtpserver.smtp1.port", 587);
user_pref("mail.smtpserver.smtp1.try_ssl", 2);
user_pref("mail.smtpserver.smtp1.authMethod", 4);
user_pref("mail.smtpserver.smtp1.username", "ivan.smtp");
user_pref("mail.smtpserver.smtp1.description", "Example & Co");
