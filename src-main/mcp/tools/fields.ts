/**
 * Parameter descriptions shared by several tools, written for a model. The parameter schemas
 * themselves come from the shared input schemas (src-main/shared/), so each rule lives once.
 */
export const PROVIDER_HELP = 'AI provider: anthropic, openai, google or local (Ollama).';
export const LABEL_HELP = 'Which key of this provider, when the user keeps several (e.g. "work"). Default "default".';
export const ENV_VAR_HELP =
  'Name of an environment variable that holds the key, e.g. ANTHROPIC_API_KEY. Preferred: the secret never enters the conversation.';
export const API_KEY_HELP = (what: string): string =>
  `${what} itself. Only if the user pasted it on purpose; prefer env_var, which keeps the secret out of the conversation and the model context.`;
export const TASK_TYPE_HELP =
  'Kind of work: code_generation, code_review, chat, summarization, analysis, embeddings, or another snake_case name.';
export const MODEL_HELP = "Model id, e.g. claude-3-5-sonnet-20241022. Default: the provider's default model.";
