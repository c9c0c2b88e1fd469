// o200k token counts of texts: reads a JSON array of strings on stdin, prints an array of counts.
import { Tiktoken } from "js-tiktoken/lite";
import o200k_base from "js-tiktoken/ranks/o200k_base";

const encoding = new Tiktoken(o200k_base);
let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const texts = JSON.parse(input);
console.log(JSON.stringify(texts.map((text) => encoding.encode(text).length)));
