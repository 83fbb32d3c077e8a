import { describe, expect, it } from "vitest";
import { checkProbe } from "../../src/consolidate/probe-checks.js";
import { templateProbes } from "../../src/consolidate/template-probes.js";

const SENTENCES = [
  "Zorvath Quellin lives in the town of Brackenmoor.",
  "Mirela Oskant's dog is called Pumbleton.",
  "The Orlenby Library opens at seven o'clock.",
  "The user is allergic to peanuts.",
  "Project Ferrowind is led by Dalia Knott.",
  "The user was born in 1990.",
  "The user's wife's birthday is 3 May.",
  "The user prefers green tea.",
  "The meeting with the Harlow team is every Tuesday at 10am.",
  "The user does not eat pork.",
  "Kettleby Station closes for repairs in March.",
  "The user has two cats named Miso and Tofu.",
  "Ana always drinks tea in the morning.",
  "The user's parents live in Braga.",
  "The user works as a nurse at Santa Maria Hospital.",
  "The user runs 5 kilometres every morning.",
  "Dr. Imre Valk teaches chemistry at the Fenwick Institute.",
  "The user likes hiking.",
  "The user cannot swim in cold water.",
  "To deploy the app, the user runs npm run release.",
  "The user’s cat is called “Miso”.",
  "The user lives in Porto. The user works at Acme Corp.",
];

describe("templateProbes", () => {
  it("writes at least two valid probes for ordinary factual sentences", () => {
    for (const sentence of SENTENCES) {
      const probes = templateProbes(sentence);
      expect(probes.length, sentence).toBeGreaterThanOrEqual(2);
      expect(probes.length, sentence).toBeLessThanOrEqual(3);
      for (const probe of probes) expect(checkProbe(sentence, probe), `${sentence} -> ${JSON.stringify(probe)}`).toBeUndefined();
      expect(new Set(probes.map((probe) => probe.question)).size, sentence).toBe(probes.length);
    }
  });

  it("blanks the last name, number or noun phrase first", () => {
    expect(templateProbes("Zorvath Quellin lives in the town of Brackenmoor.")[0]).toEqual({ question: "Zorvath Quellin lives in the town of ___.", answer: "Brackenmoor" });
    expect(templateProbes("The Orlenby Library opens at seven o'clock.")[0]).toEqual({ question: "The Orlenby Library opens at ___ o'clock.", answer: "seven" });
    expect(templateProbes("The user is allergic to peanuts.")[0]).toEqual({ question: "The user is allergic to ___.", answer: "peanuts" });
    expect(templateProbes("Project Ferrowind is led by Dalia Knott.")[0]).toEqual({ question: "Project Ferrowind is led by ___.", answer: "Dalia Knott" });
  });

  it("asks about the subject with who, what or whose when it can tell which, else blanks it", () => {
    const second = (text: string) => templateProbes(text)[1];
    // "The user" is who every memory is about: never the answer (see checkProbe).
    expect(second("The user is allergic to peanuts.")?.answer).not.toMatch(/user/i);
    expect(second("Mirela Oskant's dog is called Pumbleton.")).toEqual({ question: "Whose dog is called Pumbleton?", answer: "Mirela Oskant" });
    expect(second("The Orlenby Library opens at seven o'clock.")).toEqual({ question: "What opens at seven o'clock?", answer: "The Orlenby Library" });
    // An invented name: compromise cannot tell a person from a thing, so the subject is blanked.
    expect(second("Zorvath Quellin lives in the town of Brackenmoor.")).toEqual({ question: "___ lives in the town of Brackenmoor.", answer: "Zorvath Quellin" });
  });

  it("keeps questions under 200 characters for long memories", () => {
    const long =
      "The user's grandmother, who grew up in the small fishing village of Vila Nova de Milfontes on the Alentejo coast and later moved to Lisbon to work as a seamstress for a theatre company, taught the user how to bake a traditional orange cake every Sunday afternoon.";
    const probes = templateProbes(long);
    expect(probes.length).toBeGreaterThanOrEqual(2);
    for (const probe of probes) expect(checkProbe(long, probe)).toBeUndefined();
  });

  it("writes nothing it cannot check, and never throws", () => {
    for (const text of ["", "   ", "Porto.", "42", "用户住在北京。"]) {
      for (const probe of templateProbes(text)) expect(checkProbe(text, probe)).toBeUndefined();
    }
    expect(templateProbes("Porto.")).toEqual([]);
  });

  it("is deterministic", () => {
    for (const sentence of SENTENCES.slice(0, 5)) expect(templateProbes(sentence)).toEqual(templateProbes(sentence));
  });
});
