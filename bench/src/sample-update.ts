/** A realistic text-message update of about 1 KB, as Telegram sends it (ASCII-escaped, `,\n` after the id). */
export function sampleUpdateBody(updateId: number, chatId = 100_000 + (updateId % 1000)): string {
  const from = `{"id":${chatId},"is_bot":false,"first_name":"\\u0410\\u043d\\u043d\\u0430","last_name":"Lovelace","username":"ada_${chatId}","language_code":"en","is_premium":true}`;
  const chat = `{"id":${chatId},"first_name":"\\u0410\\u043d\\u043d\\u0430","last_name":"Lovelace","username":"ada_${chatId}","type":"private"}`;
  const text =
    "Hello bot! Could you look up the schedule for tomorrow and send me the list of trains from Central Station to the airport, please? Thanks a lot \\ud83d\\ude80";
  const entities = `[{"offset":0,"length":5,"type":"bold"},{"offset":6,"length":3,"type":"italic"}]`;
  const reply = `{"message_id":${updateId - 1},"from":${from},"chat":${chat},"date":1767225000,"text":"Earlier message in the same chat, quoted by the reply."}`;
  return `{"update_id":${updateId},\n"message":{"message_id":${updateId},"from":${from},"chat":${chat},"date":1767225600,"reply_to_message":${reply},"text":"${text}","entities":${entities}}}`;
}
