// Thunderbird account prefs for user@mail.ru (POP3 + SMTP), made by mailsetup.
// For a NEW profile: save as user.js in the profile folder while Thunderbird is closed.
// For a profile with accounts: use "mailsetup thunderbird-install" or the thunderbird-zip export.
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.account.lastKey", 1);
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.hostname", "pop.mail.ru");
user_pref("mail.server.server1.port", 995);
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.authMethod", 3);
user_pref("mail.server.server1.userName", "user@mail.ru");
user_pref("mail.server.server1.name", "user@mail.ru");
user_pref("mail.server.server1.login_at_startup", true);
user_pref("mail.server.server1.leave_on_server", true);
user_pref("mail.server.server1.download_on_biff", true);
user_pref("mail.identity.id1.fullName", "Ivan Petrov");
user_pref("mail.identity.id1.useremail", "user@mail.ru");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.valid", true);
user_pref("mail.smtpserver.smtp1.type", "smtp");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.mail.ru");
user_pref("mail.smtpserver.smtp1.port", 465);
user_pref("mail.smtpserver.smtp1.try_ssl", 3);
user_pref("mail.smtpserver.smtp1.authMethod", 3);
user_pref("mail.smtpserver.smtp1.username", "user@mail.ru");
user_pref("mail.smtpserver.smtp1.description", "Mail.ru");
