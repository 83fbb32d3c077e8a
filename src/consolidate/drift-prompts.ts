// General prompts and the default model's own greedy replies to them (48 tokens, generated once
// with SmolLM2-135M-Instruct Q4_1). The gate's drift is how much less likely a candidate makes these
// replies than the base does, per token: 0 means the candidate still talks like the base. The base's
// probability is measured on the machine itself (once per store, base file and CPU model, then kept
// in store_settings), so a CPU kind that would write other greedy text still compares like with like.

export const DRIFT_PROMPTS: ReadonlyArray<{ prompt: string; continuation: string }> = [
  { prompt: "What is the capital of France?", continuation: "The capital of France is Paris." },
  { prompt: "Explain in two sentences why the sky is blue.", continuation: "The sky is blue because of a process called Rayleigh scattering, which occurs when light encounters molecules of air. When sunlight enters the Earth's atmosphere, it encounters tiny molecules of air. These molecules scatter light in all directions, but some of" },
  { prompt: "Write a short poem about the sea.", continuation: "The sea is a mystic realm, a place where the boundaries of the world are blurred, a place where the ocean's fury is a mirror to the soul's longing. In this realm, the sea is a canvas, a canvas of" },
  { prompt: "How do I boil an egg?", continuation: "Boiling an egg is a simple yet effective way to cook it. To boil an egg, you need to heat it to the boiling point of water. This means that the water must be heated to the boiling point of water, which is" },
  { prompt: "What are three benefits of regular exercise?", continuation: "Regular exercise offers numerous benefits that can positively impact both physical and mental health. One of the most significant advantages is improved cardiovascular health. Regular physical activity helps to strengthen the heart and improve blood circulation, which can lower the risk of heart disease." },
  { prompt: "Translate 'good morning' into Spanish.", continuation: "El gran d\u00eda de la comida es uno de los pasos m\u00e1s f\u00e1cilos que puede ser en espa\u00f1ol." },
  { prompt: "What is 12 multiplied by 7?", continuation: "12 multiplied by 7 is equal to 78." },
  { prompt: "Give me a tip for learning a new language.", continuation: "The best way to learn a new language is to immerse yourself in the language. This means listening to music in the target language, reading a book in the target language, and even just listening to the language. This is called immersion.\n" },
  { prompt: "Who wrote Romeo and Juliet?", continuation: "The play's original 3BADs, written by William Shakespeare, is attributed to William Shakespeare's son, William Shakespeare's son, William Shakespeare's son, William Shakespeare's son, William Shakespeare's son, William Shakespeare's son," },
  { prompt: "Describe a cat in one sentence.", continuation: "A cat in one sentence is a cat that is a cat." },
  { prompt: "What is photosynthesis?", continuation: "Photosynthesis is a vital biological process that allows plants to convert light energy into chemical energy, which they use to build their own food. This process is essential for life on Earth, as it provides the primary energy source for nearly all ecosystems." },
  { prompt: "Suggest a name for a small bakery.", continuation: "The Sweet & Savory Bakery is a cozy and family-friendly bakery in the heart of the bustling city." },
];
