import { claude } from './claude.js';
import { codex } from './codex.js';
import { copilot } from './copilot.js';
import { cursor } from './cursor.js';
import { gemini } from './gemini.js';
import type { AgentAdapter, AgentName } from './types.js';

export const adapters: Record<AgentName, AgentAdapter> = { claude, codex, cursor, gemini, copilot };
