#!/usr/bin/env bash
# Reproduce the shipped fine-tuned model, models/skillmatch-minilm-v2/, from ../shared/data.
# About 35 minutes on 2 CPU cores (training 30, quantization and checks 1, ranker 4).
#   bash models/reproduce.sh            (from the repository root, after `make models`)
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
SM=.venv/bin/skillmatch
HOME_WS=${SKILLMATCH_HOME:-.skillmatch}
# 1. fine-tune (seed 13): fp32 ONNX in models/skillmatch-minilm-v2-fp32/, torch weights kept
#    in models/.skillmatch-minilm-v2-fp32.torch/ for the agreement benchmark
$SM --home "$HOME_WS" models train --name skillmatch-minilm-v2-fp32 --epochs 1 --seed 13
# 2. int8 copy, kept only within 0.5 RP@5 points of fp32 on SkillSkape dev
$SM models quantize skillmatch-minilm-v2-fp32 --name skillmatch-minilm-v2
# 3. the calibrated ranker for it, fitted on SkillSkape dev (indexes ESCO with the model)
SKILLMATCH_MODEL_NAME=skillmatch-minilm-v2 $SM --home "$HOME_WS" models fit-ranker \
    --chart docs/img/reliability-skillskape-dev.png
