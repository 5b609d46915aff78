package app

import (
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/demo"
)

// The tests run on the demo's simulated tenant.
const DemoAppID = demo.DemoAppID

func demoConfig(db string) config.Config { return demo.Config(db) }
