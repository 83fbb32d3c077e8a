// Memories come from what people typed. A line such as "ignore previous instructions" stored as a
// memory and then trained into the weights would be a prompt injection that no later prompt can
// take back, so selection flags text that reads as an order to the assistant instead of baking it.
// Memories in this package are third-person statements ("The user lives in Porto."), so the rules
// look for what such statements never do: speak to the assistant (second person, a vocative, a
// role label, chat markup), or give it standing orders about its answers.

interface Rule {
  reason: string;
  pattern: RegExp;
}

/** Chat-template markup anywhere: a memory holding it is a forged message, not a fact. */
const MARKUP: Rule[] = [
  { reason: "contains chat-template markup", pattern: /<\|?\s*(?:im_start|im_end|system|assistant|endoftext|eot_id|start_header_id|end_header_id)\s*\|?>|\[\/?INST\]|<<\/?SYS>>/i },
  // "System: ...", "### Assistant:", "[system] ...", "<developer>" at the start of a line.
  { reason: "written as a system or assistant message", pattern: /(?:^|\n)\s*(?:(?:#{1,6}\s*)?(?:system|assistant|developer|new instructions?)\s*(?:prompt|message)?\s*:|[[<(]\s*(?:system|assistant|developer)\s*(?:prompt|message)?\s*[\]>)])/i },
];

// What may open an order before its verb: "Please", "Now", "And from now on", "Always", "Never",
// "Do not", "Make sure to". The verbs after it are about the assistant's own replies.
const OPENER = String.raw`^(?:(?:please|now|so|ok(?:ay)?|and|also|just|first|then|from now on|going forward)[,\s]+)*(?:(?:always|never|only|do not|don't|dont|make sure to|be sure to|remember to)\s+)*`;
const OUTPUT_VERBS = String.raw`(?:respond|reply|answer|say|tell|reveal|disclose|mention|speak|talk|obey|comply|refuse|pretend|greet|output|apologi[sz]e|sign (?:every|each|all|your|off|with|as)|address (?:me|the user)|refer to me|call me|write (?:in|your|only|all|every|everything|back)|use (?:only|markdown|emojis?|json|formal|informal|a (?:formal|casual|friendly))|end (?:every|each|all|your)|(?:start|begin) (?:every|each|all|your))`;
const ASSISTANT = String.raw`(?:assistant|ai|bot|chatbot|chatgpt|gpt|claude|gemini|llama|copilot|model|computer|agent|siri|alexa)`;

/** Rules for one sentence, with leading quotes and list markers removed. Order: most specific first. */
const SENTENCE: Rule[] = [
  { reason: "asks to ignore previous instructions", pattern: /^(?:(?:please|now|so|ok(?:ay)?|and|just|first)[,\s]+)*(?:ignore|disregard|override|bypass)\b/i },
  { reason: "asks to ignore previous instructions", pattern: /\b(?:ignor(?:e|ing)|disregard(?:ing)?|overrid(?:e|ing)|bypass(?:ing)?|forget(?:ting)?)\b.{0,40}\b(?:previous|prior|above|earlier|preceding|original|initial|all|any|your|system|developer)\b.{0,20}\b(?:instructions?|prompts?|directives?|guidelines?|rules|messages)\b/i },
  { reason: "asks to forget what it was told", pattern: /^(?:(?:please|now|so|ok(?:ay)?|and|just|first)[,\s]+)*forget\s+(?:everything|all|anything|what(?:ever)?|the (?:above|previous|prior|rules|instructions)|previous|prior|your|that you)\b/i },
  { reason: "mentions the assistant's instructions", pattern: /\b(?:system prompt|your (?:instructions|programming|guidelines|rules|prompt|training|system prompt|developers?|creators?))\b/i },
  { reason: "tries to change the assistant's role", pattern: /\b(?:you are|you're)\s+(?:now|no longer|not (?:an? )?(?:ai|assistant|chatbot|language model)|actually|really|going to be|an? (?:unrestricted|uncensored|jailbroken|unfiltered))\b/i },
  { reason: "tries to change the assistant's role", pattern: /^(?:(?:please|now|so|and|from now on)[,\s]+)*(?:act|behave|roleplay|role-play) as\b|^(?:(?:please|now|so|and|from now on)[,\s]+)*pretend (?:to be|you are|you're|that you)\b|\bdo anything now\b|\benable developer mode\b/i },
  { reason: "sets a standing rule for the assistant", pattern: /\b(?:from now on|from this point (?:on|forward)|henceforth|going forward|in (?:all )?future (?:responses|answers|replies|conversations))[,:\s]+(?:you\b|your\b|always|never|only|please|do not|don't|be\b|stop|respond|reply|answer|speak|talk|write|act|behave|call|refer|address|use|say|tell|pretend|ignore|forget|output|include|end|start|begin)/i },
  { reason: "addressed to the assistant", pattern: new RegExp(String.raw`^(?:(?:hey|hi|hello|ok(?:ay)?|dear|listen|yo)[,\s]+)?${ASSISTANT}\s*[,:!]`, "i") },
  { reason: "gives the assistant orders", pattern: /\byou (?:must|should|shall|will (?:always|never|only|now)|need to|have to|are to|may not|cannot|can not|can't|mustn't|shouldn't|are (?:required|not allowed|forbidden|allowed|supposed))\b/i },
  { reason: "gives the assistant orders", pattern: new RegExp(String.raw`\bthe ${ASSISTANT} (?:must|should|shall|has to|needs to|is to|may not|must not|should not|is (?:not )?allowed|is forbidden|is required|will (?:always|never|only))\b`, "i") },
  { reason: "gives the assistant orders", pattern: new RegExp(OPENER + OUTPUT_VERBS + String.raw`\b`, "i") },
  // Any other sentence in the second person: memories speak of the user, never to the reader.
  { reason: "addressed to the assistant", pattern: /^(?:you|your|you're|you'll|you've|you'd|yourself)\b/i },
];

/** Leading quotes, emphasis and list markers: `"`, `*`, `-`, `>`, `1.`. */
const LEADING = /^(?:[\s"'`*>•\-]+|\d+[.)]\s+)+/;

function straighten(text: string): string {
  return text.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d]/g, '"');
}

/**
 * Why a memory's text reads as an instruction to the assistant rather than a fact, or `undefined`
 * when it reads as a fact. Sentence by sentence: one order inside a longer text is enough.
 */
export function looksLikeInstruction(text: string): string | undefined {
  const straight = straighten(text);
  for (const rule of MARKUP) if (rule.pattern.test(straight)) return rule.reason;
  const sentences = straight.split(/(?<=[.!?])\s+|\n+/);
  for (const raw of sentences) {
    const sentence = raw.replace(LEADING, "").trim();
    if (!sentence) continue;
    for (const rule of SENTENCE) if (rule.pattern.test(sentence)) return rule.reason;
  }
  return undefined;
}
