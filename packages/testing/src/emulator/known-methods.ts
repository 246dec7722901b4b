// Deliberate independent oracle: the server's method table. @telehook/core has no runtime copy to compare
// with (its method names are only the BotApiMethod type, from @grammyjs/types), so no agreement test exists;
// method-fidelity.test.ts checks the emulator's answers to known and unknown names.
/**
 * Every method name the Bot API server routes, lower-cased: its method table (Bot API 10.0,
 * `Client::Client` in telegram-bot-api's Client.cpp) plus `close` and `logout`, which it handles first.
 * `answerWidgetQuery` and `setMySettings` (Bot API 10.4 and 10.5) come from the release notes. Any other name
 * gets `404 Not Found: method not found`. A deliberate copy of the server's facts: the
 * emulator is an independent oracle, so it does not import the core's list.
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set(
  `close logout getme getmycommands setmycommands deletemycommands getmydefaultadministratorrights
  setmydefaultadministratorrights getmyname setmyname setmyprofilephoto removemyprofilephoto getmydescription
  setmydescription getmyshortdescription setmyshortdescription getchatmenubutton setchatmenubutton
  getuserprofilephotos getuserprofileaudios sendmessage sendanimation sendaudio senddice senddocument
  sendlivephoto sendphoto sendsticker sendvideo sendvideonote sendvoice sendpaidmedia sendgame sendinvoice
  sendlocation sendvenue sendcontact sendpoll stoppoll sendchecklist copymessage copymessages forwardmessage
  forwardmessages sendmediagroup sendchataction sendmessagedraft setmessagereaction editmessagetext
  editmessagelivelocation stopmessagelivelocation editmessagemedia editmessagecaption editmessagechecklist
  editmessagereplymarkup deletemessage deletemessages deletemessagereaction deleteallmessagereactions poststory
  repoststory editstory deletestory createinvoicelink getmystarbalance getstartransactions refundstarpayment
  edituserstarsubscription getavailablegifts sendgift giftpremiumsubscription getmanagedbottoken
  getmanagedbotaccesssettings setmanagedbotaccesssettings replacemanagedbottoken verifyuser verifychat
  removeuserverification removechatverification setgamescore getgamehighscores answerwebappquery
  answerguestquery answerinlinequery savepreparedinlinemessage savepreparedkeyboardbutton answercallbackquery
  answershippingquery answerprecheckoutquery exportchatinvitelink createchatinvitelink
  createchatsubscriptioninvitelink editchatinvitelink editchatsubscriptioninvitelink revokechatinvitelink
  getbusinessconnection readbusinessmessage deletebusinessmessages setbusinessaccountname
  setbusinessaccountusername setbusinessaccountbio setbusinessaccountprofilephoto
  removebusinessaccountprofilephoto setbusinessaccountgiftsettings getbusinessaccountstarbalance
  transferbusinessaccountstars getbusinessaccountgifts getusergifts getchatgifts convertgifttostars upgradegift
  transfergift setuseremojistatus getchat getuserpersonalchatmessages setchatphoto deletechatphoto setchattitle
  setchatpermissions setchatdescription pinchatmessage unpinchatmessage unpinallchatmessages
  approvesuggestedpost declinesuggestedpost setchatstickerset deletechatstickerset getforumtopiciconstickers
  createforumtopic editforumtopic closeforumtopic reopenforumtopic deleteforumtopic unpinallforumtopicmessages
  editgeneralforumtopic closegeneralforumtopic reopengeneralforumtopic hidegeneralforumtopic
  unhidegeneralforumtopic unpinallgeneralforumtopicmessages getchatmember getchatadministrators
  getchatmembercount getchatmemberscount leavechat promotechatmember setchatadministratorcustomtitle
  setchatmembertag banchatmember kickchatmember restrictchatmember unbanchatmember banchatsenderchat
  unbanchatsenderchat approvechatjoinrequest declinechatjoinrequest getuserchatboosts getstickerset
  getcustomemojistickers uploadstickerfile createnewstickerset addstickertoset replacestickerinset
  setstickersettitle setstickersetthumb setstickersetthumbnail setcustomemojistickersetthumbnail
  deletestickerset setstickerpositioninset deletestickerfromset setstickeremojilist setstickerkeywords
  setstickermaskposition setpassportdataerrors sendcustomrequest answercustomquery getupdates setwebhook
  deletewebhook getwebhookinfo getfile
  answerwidgetquery setmysettings`
    .split(/\s+/)
    .filter((name) => name !== ""),
);
