// The sweep runner is task-independent and lives in engine/sweep.hpp; this forward keeps
// app/gui/panel_bohp.cpp building until it includes "sweep.hpp" itself.
#pragma once
#include "../sweep.hpp"
