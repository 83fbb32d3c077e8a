// Deterministic invented facts for bench/consolidation: people and places the base model cannot
// know, each said as a user would say it, with a question and a short answer. The same seed gives
// the same facts on every machine.

export interface BenchFact {
  say: string;
  question: string;
  answer: string;
}

const RELATIONS = ["neighbour", "cousin", "colleague", "friend", "aunt", "uncle", "classmate", "landlord", "dentist", "coach"];
const FIRST = ["Zor", "Mir", "Tob", "Quis", "Els", "Ren", "Kes", "Yuv", "Dal", "Orr", "Lies", "Ber", "Ysol", "Fen", "Mar", "Hal", "Vel", "Cor", "Ilm", "Tav"];
const SECOND = ["vath", "ela", "iah", "tra", "beth", "nick", "trel", "an", "ia", "in", "wyn", "ric", "de", "ork", "usk", "ond", "essa", "imir", "ora", "ek"];
const PLACES = ["Brackenmoor", "Ostrevia", "Carrowmere", "Marrowby", "Quillhaven", "Dunsk", "Fenwold", "Harnwick", "Velkarra", "Orlenby", "Tarrowgate", "Pellastre", "Skelmor", "Whitlow", "Ambrin"];
const JOBS = ["glassblower", "locksmith", "beekeeper", "cartographer", "clockmaker", "falconer", "bookbinder", "cooper", "luthier", "farrier"];
const THINGS = ["antique compasses", "brass keys", "pressed ferns", "tin soldiers", "old maps", "glass marbles", "seashells", "pocket watches", "stamps from Ruritania", "clay whistles"];
const INSTRUMENTS = ["bassoon", "hurdy-gurdy", "oboe", "theremin", "harp", "tuba", "banjo", "accordion", "cello", "dulcimer"];

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `count` facts with distinct names, cycling through four kinds of statement. */
export function inventedFacts(count: number, seed = 7): BenchFact[] {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const facts: BenchFact[] = [];
  const used = new Set<string>();
  while (facts.length < count) {
    const name = `${pick(FIRST)}${pick(SECOND)}`;
    if (used.has(name)) continue;
    used.add(name);
    const relation = pick(RELATIONS);
    switch (facts.length % 4) {
      case 0: {
        const place = pick(PLACES);
        facts.push({ say: `My ${relation} ${name} lives in the town of ${place}.`, question: `In which town does ${name} live?`, answer: place });
        break;
      }
      case 1: {
        const job = pick(JOBS);
        facts.push({ say: `My ${relation} ${name} works as a ${job}.`, question: `What is ${name}'s job?`, answer: job });
        break;
      }
      case 2: {
        const things = pick(THINGS);
        facts.push({ say: `My ${relation} ${name} collects ${things}.`, question: `What does ${name} collect?`, answer: things.split(" ").at(-1) as string });
        break;
      }
      default: {
        const instrument = pick(INSTRUMENTS);
        facts.push({ say: `My ${relation} ${name} plays the ${instrument}.`, question: `Which instrument does ${name} play?`, answer: instrument });
      }
    }
  }
  return facts;
}
