#!/usr/bin/env bash
# Reproduce the shipped default model, models/skillmatch-minilm-v3/, from ../shared/data.
# About 45 minutes on 2 CPU cores (training 30, interpolation 6, quantization 1, ranker 4).
#   bash models/reproduce.sh            (from the repository root, after `make models`)
# It replaces what is shipped (the model folders, ranker.json, document.json and
# src/skillmatch/matching/weights.json), so every step passes --overwrite.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
SM=.venv/bin/skillmatch
HOME_WS=${SKILLMATCH_HOME:-.skillmatch}
# 1. fine-tune (seed 13): fp32 ONNX in models/skillmatch-minilm-v2-fp32/, torch weights kept
#    in models/.skillmatch-minilm-v2-fp32.torch/ for the interpolation
$SM --home "$HOME_WS" models train --name skillmatch-minilm-v2-fp32 --epochs 1 --seed 13 \
    --overwrite
# 2. average its weights with the base model's; the weight is chosen on SkillSkape dev and
#    the dev half of ESCO occupations (torch weights kept for the agreement benchmark)
$SM models interpolate skillmatch-minilm-v2-fp32 --name skillmatch-minilm-v3-fp32 \
    --alphas 0.5,0.6,0.65,0.7,0.75,0.8,0.9,1.0 --keep-torch --overwrite
# 3. int8 copy, kept only within 0.5 RP@5 points of fp32 on SkillSkape dev
$SM models quantize skillmatch-minilm-v3-fp32 --name skillmatch-minilm-v3 --overwrite
# 4. the calibrated ranker for it, fitted on SkillSkape dev (indexes ESCO with the model)
SKILLMATCH_MODEL_NAME=skillmatch-minilm-v3 $SM --home "$HOME_WS" models fit-ranker \
    --chart docs/img/reliability-skillskape-dev.png --overwrite
# 5. the document model for it (document.json: SkillSpan train and dev postings,
#    SkillSkape train; the quantized folder of step 3 holds none yet)
SKILLMATCH_MODEL_NAME=skillmatch-minilm-v3 $SM --home "$HOME_WS" models fit-document \
    --overwrite
# 6. the program <-> occupation weights for it, fitted on the crosswalk dev half
SKILLMATCH_MODEL_NAME=skillmatch-minilm-v3 $SM --home "$HOME_WS" eval matching --fit \
    --overwrite
