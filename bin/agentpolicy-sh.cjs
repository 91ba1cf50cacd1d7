#!/usr/bin/env node
// A SHELL for agents: `agentpolicy-sh -c "<command>"` is `agentpolicy sh -c "<command>"`.
'use strict';
globalThis.__agentpolicySh = true;
require('./agentpolicy.cjs');
