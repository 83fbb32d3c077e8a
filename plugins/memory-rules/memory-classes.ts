import type { Durability, MemoryKind } from "../../src/api.js";

// Markers of something true now that will not be true for long. Consolidation bakes only durable
// memories, so a false "durable" costs more than a false "volatile": when unsure, say volatile.
const VOLATILE_TIME = /\b(today|tonight|tomorrow|yesterday|right now|at the moment|for now|this (morning|afternoon|evening|week|weekend|month)|currently|next (week|month|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|in (an|one|two|three|a few|\d+) (minutes?|hours?|days?)|at \d{1,2}(:\d{2})? ?(am|pm)|\d{1,2}(:\d{2})? ?(am|pm)|later today|soon|this year)\b/i;
const VOLATILE_STATE = /\b(is|am|are|feels?|feeling) (so |very |really |a bit |kind of |pretty )?(tired|sick|ill|hungry|nervous|anxious|stressed|upset|excited|worried|thirsty|busy|exhausted|stressed|late|sleepy|bored|cold|hot|nervous|stuck|running late|on (my|the user's|his|her|their) way|at the (airport|station|office|gym|doctor's|hospital)|in a meeting|offline|away|on a call)\b|\b(build|pipeline|ci|tests?|server|site|deploy(ment)?|status|network|wifi)\b.*\b(is|are) (red|green|down|broken|failing|flaky|blocked|slow)\b|\bon (my|the user's) way\b|\bhas a (headache|cold|fever)\b/i;

const PREFERENCE = /\b(like|likes|liked|love|loves|loved|hate|hates|hated|prefer|prefers|preferred|enjoy|enjoys|enjoyed|dislike|dislikes|disliked|favou?rite|can ?not stand|cannot stand|vegetarian|vegan|pescatarian|fan of|would like|would love|would rather|wants?|wish(es)?|adore|adores|into|eats?|drinks?)\b/i;
const EVENT = /\b(born|got married|married (in|on|last)|graduated|got divorced|retired (in|on|last)|just retired|got engaged|appointment|meeting|interview|flight|party|stand-?up|wedding|surgery|exam|deadline|trip|concert|presentation|scheduled|turning \d+|is going to|are going to|will (visit|fly|travel|start|leave)|is (flying|travell?ing|visiting|leaving|starting|moving)|(last|next) (week|month|year|night|weekend|summer|winter|spring|autumn|fall)|ago|in (19|20)\d\d)\b/i;
const ROUTINE = /\b(every (day|morning|evening|night|week|weekday|weekend|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday|month|january|february|march|april|may|june|july|august|september|october|november|december)|(takes|drives|cycles|walks|commutes|rides) .*\bto work|(deploys|builds|backs up|releases|ships) .*\b(with|using|by)\b|each (day|morning|week)|always|usually|routinely|on weekdays|on weekends|twice a (day|week)|once a (day|week)|daily|weekly)\b/i;

/** volatile or durable, from time words and passing states ("tired", "the build is red"). */
export function durabilityOf(text: string): Durability {
  return VOLATILE_TIME.test(text) || VOLATILE_STATE.test(text) ? "volatile" : "durable";
}

/** preference (likes, diets, wants), procedure (routines), event (dated happenings, appointments) or fact. */
export function kindOf(text: string): MemoryKind {
  if (PREFERENCE.test(text)) return "preference";
  if (ROUTINE.test(text)) return "procedure";
  if (EVENT.test(text)) return "event";
  // "The user is cooking lasagne tonight": an activity at a time.
  if (/\b(is|are) \w+ing\b/.test(text) && /\b(today|tonight|tomorrow|this (morning|afternoon|evening|weekend)|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b/i.test(text) && !/\b(is|are) (working|feeling|staying)\b/.test(text)) return "event";
  return "fact";
}
