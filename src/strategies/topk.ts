/** Top-k selection (linalg/topk.ts), where the strategies have always found it. */
export { TopKHeap, topK } from "../linalg/topk.js";
