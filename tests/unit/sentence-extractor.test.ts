import { describe, expect, it } from "vitest";
import { sentenceExtractor } from "../../plugins/memory-rules/sentence-extractor.js";

const texts = async (user: string) => (await sentenceExtractor.extract({ user })).map((memory) => memory.text);
const one = async (user: string) => {
  const found = await sentenceExtractor.extract({ user });
  expect(found).toHaveLength(1);
  return found[0]!;
};

// Each case is one the regular-expression extractor got wrong (issue 10, defect 2).
describe("sentenceExtractor: person, tense and negation", () => {
  it("keeps the verb's tense and agreement", async () => {
    expect(await texts("I was born in 1990 and I studied physics.")).toEqual(["The user was born in 1990.", "The user studied physics."]);
    expect(await texts("I watch films and I study law.")).toEqual(["The user watches films.", "The user studies law."]);
    expect(await texts("I’ve been a nurse for 5 years")).toEqual(["The user has been a nurse for 5 years."]);
  });

  it("writes negations and contractions out", async () => {
    expect(await texts("I don't like coffee.")).toEqual(["The user does not like coffee."]);
    expect(await texts("I can't swim.")).toEqual(["The user cannot swim."]);
    expect(await texts("I'm vegetarian.")).toEqual(["The user is vegetarian."]);
  });

  it("reads a move as where the user lives, and 'no longer' as an ended fact", async () => {
    expect(await texts("I moved to Lyon.")).toEqual(["The user lives in Lyon."]);
    expect(await texts("I no longer live in Porto, I live in Lyon now.")).toEqual(["The user no longer lives in Porto.", "The user lives in Lyon."]);
    expect(await texts("Actually, I live in Lyon.")).toEqual(["The user lives in Lyon."]);
    expect(await texts("Now I live in Lyon.")).toEqual(["The user lives in Lyon."]);
  });

  it("takes what the user asks it to remember", async () => {
    expect(await texts("Remember that my wife's birthday is 3 May.")).toEqual(["The user's wife's birthday is 3 May."]);
  });

  it("stores nothing for questions, commands, small talk and general knowledge", async () => {
    for (const line of ["Where do I live?", "Tell me a joke.", "Write an essay about dogs.", "Thanks!", "Paris is the capital of France.", "From now on, answer in French.", "If I won the lottery I would buy a boat."]) {
      expect(await texts(line), line).toEqual([]);
    }
  });
});

describe("sentenceExtractor: kind and durability", () => {
  it("marks what will soon change as volatile, and lasting facts as durable", async () => {
    expect(await one("The build is red right now.")).toMatchObject({ text: "The build is red right now.", durability: "volatile" });
    expect(await one("the stand-up is at 4 pm today")).toMatchObject({ durability: "volatile", kind: "event" });
    expect(await one("I live in Porto.")).toMatchObject({ durability: "durable", kind: "fact" });
    expect(await one("I love hiking.")).toMatchObject({ durability: "durable", kind: "preference" });
  });
});
