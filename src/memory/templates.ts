// Three of the four files fast agents keep to stay on course, as `agentpolicy init --memory` writes
// them; the fourth, VERIFY.md, is written from what the project has (verify-commands.ts).

export const MEMORY_TEMPLATES: Record<string, string> = {
  'AGENTS.md': `# AGENTS.md

Read this first, every session. Keep it short and true.

## Role
You change this repository in small, reviewed steps. A human reviews every commit.

## Rules of the road (enforced by agentpolicy; see .agentpolicyrc)
- One small step per commit: the diff budget is in \`agentpolicy config\`.
- Before moving on, run the commands in VERIFY.md; commit only when they pass.
- Never skip the hooks (\`--no-verify\`, \`HUSKY=0\`), never force-push, never delete what you did not create.
- If the policy stops you, read its reason and do what it suggests; if you think it is wrong, say so to a human.

## Commands
- Install: \`npm ci\`
- Check everything: see VERIFY.md
- Where the change stands: \`npx agentpolicy report\`

## Guides
- PLAN.md: the checklist that defines done. Name the item you work on in each commit message.
- PROGRESS.md: update it with every commit.
`,
  'PLAN.md': `# PLAN.md

The checklist that defines done. Tick an item (\`- [x]\`) only when its commit has landed and VERIFY.md passes.

- [ ] Describe the first small step here
- [ ] And the next one
`,
  'PROGRESS.md': `# PROGRESS.md

Update this with every commit, so the next session (yours or another agent's) knows where things stand.

## Current work
What you are doing now, and which PLAN.md item it serves.

## What changed
- 

## What failed
What you tried that did not work, and why, so nobody tries it again.

## Next step
The one thing to do next.
`,
};
