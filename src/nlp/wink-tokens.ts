// Turns free text into word tokens with sentence numbers and character spans, using wink-nlp and
// its English model (tokenizer, sentence splitter, lemmatiser, contraction expansion: "didnt" and
// "didn't" both become "did" + "not"). The spans let a flag quote the reporter's exact words.

import winkNLP, { type ItemSentence, type ItemToken } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export interface Token {
  /** The word as typed, lower case. */
  text: string;
  /** Lower-case normal form from wink ("n't" → "not"). */
  norm: string;
  /** Dictionary form from wink ("hitting" → "hit"), lower case. */
  lemma: string;
  /** wink token type: word, number, punctuation, symbol, tabCRLF, ... */
  type: string;
  /** Character span in the original text [start, end). */
  start: number;
  end: number;
  /** Sentence number (a new line also starts a new sentence). */
  sentence: number;
}

let nlp: ReturnType<typeof winkNLP> | undefined;

function engine(): ReturnType<typeof winkNLP> {
  nlp ??= winkNLP(model, ['sbd', 'pos']);
  return nlp;
}

/** Tokenise `text`; every token keeps its place in the original text. */
export function tokenize(text: string): Token[] {
  const w = engine();
  const its = w.its;
  const doc = w.readDoc(text);
  const out: Token[] = [];
  let cursor = 0;
  let sentence = 0;
  doc.sentences().each((s: ItemSentence) => {
    s.tokens().each((t: ItemToken) => {
      const value = t.out(its.value);
      const type = t.out(its.type);
      const found = text.indexOf(value, cursor);
      const start = found >= 0 ? found : cursor;
      const end = found >= 0 ? found + value.length : cursor;
      cursor = end;
      if (type === 'tabCRLF') {
        if (/[\n\r]/.test(value)) sentence += 1;
        return;
      }
      out.push({
        text: value.toLowerCase(),
        norm: t.out(its.normal).toLowerCase(),
        lemma: String((t.out as (f: unknown) => unknown)(its.lemma) ?? t.out(its.normal)).toLowerCase(),
        type,
        start,
        end,
        sentence,
      });
    });
    sentence += 1;
  });
  return out;
}
